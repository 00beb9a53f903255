#!/usr/bin/env python3
# Runs a command on a new pseudo-terminal, answering each prompt (text
# ending in ": ") with the next argument before "--" ("^Z": the suspend
# key); prints the whole terminal transcript and exits with the command's
# status. Used by the tests of kcfg's password prompts.
#
#   python3 tests/tools/pty-run.py ANSWER... -- COMMAND [ARG...]
import os, pty, select, sys, time
sep = sys.argv.index('--')
answers, cmd = sys.argv[1:sep], sys.argv[sep + 1:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)
out = b''
def pump(until, timeout=20):
    global out
    end = time.time() + timeout
    while time.time() < end:
        if until():
            return True
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                data = os.read(fd, 4096)
            except OSError:
                return False
            if not data:
                return False
            out += data
    return until()
for i, a in enumerate(answers):
    if not pump(lambda: out.count(b': ') > i):
        break
    # "^Z" is the suspend key, sent alone
    os.write(fd, b'\x1a' if a == '^Z' else a.encode() + b'\n')
pump(lambda: False, 20)
# never hang the suite: a command still waiting now has failed
for _ in range(50):
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        break
    time.sleep(0.1)
else:
    os.kill(pid, 9)
    _, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(out.replace(b'\r\n', b'\n'))
sys.exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))
