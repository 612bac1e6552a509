#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Kernel log records from /dev/kmsg (dmesg runs in the confined dmesg_t; reading the device
from initrc_t works).

  kmsg.py mark        print the sequence number of the newest record
  kmsg.py since SEQ   print the text of every record newer than SEQ, one per line
"""
import errno
import os
import sys


def records():
    """Yields (seq, text) for every record still in the kernel's buffer."""
    fd = os.open("/dev/kmsg", os.O_RDONLY | os.O_NONBLOCK)
    try:
        while True:
            try:
                raw = os.read(fd, 16384)
            except BlockingIOError:
                return
            except OSError as e:
                if e.errno == errno.EPIPE:  # overwritten while reading: skip ahead
                    continue
                raise
            header, _, text = raw.decode("utf-8", "replace").partition(";")
            fields = header.split(",")
            yield int(fields[1]), text.split("\n", 1)[0]
    finally:
        os.close(fd)


def main(argv):
    if len(argv) == 2 and argv[1] == "mark":
        last = -1
        for seq, _ in records():
            last = seq
        print(last)
        return 0
    if len(argv) == 3 and argv[1] == "since":
        after = int(argv[2])
        for seq, text in records():
            if seq > after:
                print(text)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
