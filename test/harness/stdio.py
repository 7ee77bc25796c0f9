"""
Starts a command with its stdout on a target the harness cannot make from Node (test/harness/run.ts):

  stdio.py socket <path> <cmd...>  stderr is a *blocking* Unix stream socket connected to <path> (journald's
                                   kind; Node only makes non-blocking ones), and our stderr moves to descriptor 3;
                                   the command replaces this process
  stdio.py tty <cmd...>            stdout is a pseudo-terminal (raw mode) whose master is not read until the
                                   command has exited (a terminal paused with Ctrl-S), then copied to our stdout

The exit status is the command's (a signal is raised again).
"""
import fcntl
import os
import pty
import signal
import socket
import sys
import tty

mode = sys.argv[1]
if mode == "socket":
    os.dup2(2, 3)  # before the socket, which would otherwise take descriptor 3
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sys.argv[2])
    os.dup2(s.fileno(), 2)
    os.execvp(sys.argv[3], sys.argv[3:])

master, slave = pty.openpty()
tty.setraw(slave)
pid = os.fork()
if pid == 0:
    os.close(master)
    os.dup2(slave, 1)
    os.close(slave)
    os.execvp(sys.argv[2], sys.argv[2:])
os.close(slave)
_, status = os.waitpid(pid, 0)
fcntl.fcntl(master, fcntl.F_SETFL, fcntl.fcntl(master, fcntl.F_GETFL) | os.O_NONBLOCK)
while True:
    try:
        data = os.read(master, 1 << 16)
    except OSError:  # EAGAIN: drained; EIO: the terminal is gone
        break
    if not data:
        break
    os.write(1, data)
if os.WIFSIGNALED(status):
    signal.signal(os.WTERMSIG(status), signal.SIG_DFL)
    os.kill(os.getpid(), os.WTERMSIG(status))
sys.exit(os.WEXITSTATUS(status))
