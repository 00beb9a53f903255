#!/bin/sh
test_description='examples/spark: the image the SparkApplication runs is the one its Dockerfile builds and build-and-push.sh pushes'
. "$(dirname "$0")/../test-lib.sh"

EX=$SRCDIR/examples/spark
arg() { sed -n "s/^ARG $1=//p" "$EX/Dockerfile"; }

test_expect_success 'the Spark version is the same in the Dockerfile, the image tag and sparkVersion' '
	v=$(arg SPARK_VER) &&
	test -n "$v" &&
	grep -q "^  sparkVersion: $v\$" "$EX/rapids-ucx.yaml" &&
	grep -q "^  image: harbor.internal/library/spark-rapids:$v\$" "$EX/rapids-ucx.yaml" &&
	grep -q "spark-rapids:$v\$" "$EX/build-and-push.sh"
'

test_expect_success 'the shuffle manager class names that Spark version' '
	v=$(arg SPARK_VER) &&
	shim=spark$(echo "$v" | tr -d .) &&
	grep -q "spark.shuffle.manager: com.nvidia.spark.rapids.$shim.RapidsShuffleManager\$" \
		"$EX/rapids-ucx.yaml"
'

test_expect_success 'the GPU discovery script is where the SparkApplication looks for it' '
	path=$(sed -n "s/^ *spark.executor.resource.gpu.discoveryScript: //p" "$EX/rapids-ucx.yaml") &&
	test "$path" = /opt/sparkRapidsPlugin/getGpusResources.sh &&
	grep -q "/opt/sparkRapidsPlugin/getGpusResources.sh" "$EX/Dockerfile"
'

test_expect_success 'every download in the Dockerfile is checked or comes over https from its publisher' '
	grep -q "sha512sum" "$EX/Dockerfile" &&
	grep -q "sha1sum" "$EX/Dockerfile" &&
	! grep -n "http://" "$EX/Dockerfile"
'

test_expect_success 'build-and-push.sh refuses a registry name that is no name, before docker runs' '
	mkdir -p bin &&
	printf "#!/bin/sh\necho docker \"\$@\" >>docker.log\n" >bin/docker &&
	chmod +x bin/docker &&
	for bad in "reg;touch x" "-oops" "a b"; do
		PATH="$TRASH/bin:$PATH" test_expect_code 2 sh "$EX/build-and-push.sh" "$bad" 2>err &&
		test_grep "is no registry name" err || exit 1
	done &&
	test ! -e docker.log &&
	PATH="$TRASH/bin:$PATH" sh "$EX/build-and-push.sh" harbor.lab.example >out &&
	test_grep "docker push harbor.lab.example/library/spark-rapids:3.5.1" docker.log
'

test_done
