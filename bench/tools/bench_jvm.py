"""The process id of the JVM that `./strata bench` started, for the scripts beside this one. Linux only."""
import os


def find():
    """The pid (a string) of the running `java … bench …` process, or None."""
    for pid in os.listdir('/proc'):
        if not pid.isdigit():
            continue
        try:
            cmd = open(f'/proc/{pid}/cmdline', 'rb').read().split(b'\0')
        except OSError:
            continue
        if cmd and cmd[0].endswith(b'java') and b'bench' in cmd:
            return pid
    return None
