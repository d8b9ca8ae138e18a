"""A small QMP (QEMU Machine Protocol) client and the key tables that the run
tool needs to drive a guest: connect, negotiate capabilities, send commands,
collect asynchronous events, and turn text into US-layout key presses.

Pure Python standard library; one instance talks to one QEMU.
"""

import json
import os
import socket
import time


class QmpError(Exception):
    """A QMP command failed or the connection broke."""


class Qmp:
    """A connection to one QEMU's QMP socket.

    Events that arrive while a command waits for its answer are kept in
    `events` in arrival order, so callers can look for SHUTDOWN and its
    reason afterwards.
    """

    def __init__(self, path):
        self.path = path
        self.sock = None
        self.buf = b""
        self.events = []

    def connect(self, timeout, alive=lambda: True):
        """Connect, retrying until the socket exists; `alive` tells whether
        QEMU still runs, so a QEMU that died early does not cost the whole
        timeout."""
        deadline = time.monotonic() + timeout
        while True:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(self.path)
                break
            except OSError as e:
                s.close()
                if time.monotonic() >= deadline or not alive():
                    raise QmpError("cannot connect to %s: %s" %
                                   (self.path, e))
                time.sleep(0.02)
        s.settimeout(max(1.0, deadline - time.monotonic()))
        self.sock = s
        greeting = self._read_message()
        if "QMP" not in greeting:
            raise QmpError("no QMP greeting: %r" % greeting)
        self.command("qmp_capabilities")

    def close(self):
        if self.sock is not None:
            try:
                self.sock.close()
            except OSError:
                pass
            self.sock = None

    def _read_message(self):
        while b"\n" not in self.buf:
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                raise QmpError("QMP timed out")
            except OSError as e:
                raise QmpError("QMP connection failed: %s" % e)
            if not chunk:
                raise QmpError("QMP connection closed by QEMU")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        try:
            return json.loads(line.decode("utf-8", "replace"))
        except ValueError:
            raise QmpError("bad QMP message: %r" % line[:200])

    def command(self, execute, timeout=30.0, **arguments):
        """Run one command and return its "return" value; raise QmpError on
        an "error" answer."""
        if self.sock is None:
            raise QmpError("QMP is not connected")
        msg = {"execute": execute}
        if arguments:
            msg["arguments"] = arguments
        self.sock.settimeout(timeout)
        try:
            self.sock.sendall(json.dumps(msg).encode() + b"\n")
        except OSError as e:
            raise QmpError("QMP send failed: %s" % e)
        while True:
            reply = self._read_message()
            if "event" in reply:
                self.events.append(reply)
                continue
            if "error" in reply:
                err = reply["error"]
                raise QmpError("%s: %s" % (execute, err.get("desc", err)))
            if "return" in reply:
                return reply["return"]

    def poll_events(self):
        """Collect events that are already waiting, without blocking."""
        if self.sock is None:
            return self.events
        self.sock.settimeout(0.0)
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    break
                self.buf += chunk
        except (BlockingIOError, socket.timeout, OSError):
            pass
        while b"\n" in self.buf:
            line, self.buf = self.buf.split(b"\n", 1)
            try:
                msg = json.loads(line.decode("utf-8", "replace"))
            except ValueError:
                continue
            if "event" in msg:
                self.events.append(msg)
        return self.events

    # Input helpers: each sends one input-send-event command.

    def keys(self, qcodes, down):
        events = [{"type": "key",
                   "data": {"down": down,
                            "key": {"type": "qcode", "data": q}}}
                  for q in qcodes]
        self.command("input-send-event", events=events)

    def press(self, qcode, hold=(), delay=0.02):
        """Press and release `qcode` while the modifiers in `hold` are held
        down; modifiers go down in order and come up in reverse."""
        self.keys(list(hold) + [qcode], True)
        if delay:
            time.sleep(delay)
        self.keys([qcode] + list(reversed(hold)), False)
        if delay:
            time.sleep(delay)

    def mouse_move(self, dx, dy):
        events = []
        if dx:
            events.append({"type": "rel", "data": {"axis": "x", "value": dx}})
        if dy:
            events.append({"type": "rel", "data": {"axis": "y", "value": dy}})
        if events:
            self.command("input-send-event", events=events)

    def button(self, name, down):
        self.command("input-send-event",
                     events=[{"type": "btn",
                              "data": {"down": down, "button": name}}])

    def screendump(self, path):
        """Write a PNG of the current screen to `path` (absolute)."""
        try:
            self.command("screendump", filename=path, format="png")
            return "png"
        except QmpError as e:
            # QEMU before 7.1 knows only PPM; the caller converts.
            if "format" not in str(e) and "Parameter" not in str(e):
                raise
        self.command("screendump", filename=path)
        return "ppm"


# Modifier names a scenario may use in `hold`, mapped to QEMU qcodes.
MODIFIERS = {
    "shift": "shift", "shift_r": "shift_r", "lshift": "shift",
    "rshift": "shift_r",
    "ctrl": "ctrl", "ctrl_r": "ctrl_r", "control": "ctrl",
    "lctrl": "ctrl", "rctrl": "ctrl_r",
    "alt": "alt", "alt_r": "alt_r", "altgr": "alt_r", "lalt": "alt",
    "ralt": "alt_r",
    "meta": "meta_l", "meta_l": "meta_l", "meta_r": "meta_r",
    "super": "meta_l", "win": "meta_l",
}

# US layout: character -> (qcode, needs shift).
_UNSHIFTED = {
    " ": "spc", "\n": "ret", "\t": "tab", "\b": "backspace", "\x1b": "esc",
    "-": "minus", "=": "equal", "[": "bracket_left", "]": "bracket_right",
    "\\": "backslash", ";": "semicolon", "'": "apostrophe",
    "`": "grave_accent", ",": "comma", ".": "dot", "/": "slash",
}
_SHIFTED = {
    "_": "minus", "+": "equal", "{": "bracket_left", "}": "bracket_right",
    "|": "backslash", ":": "semicolon", '"': "apostrophe",
    "~": "grave_accent", "<": "comma", ">": "dot", "?": "slash",
    "!": "1", "@": "2", "#": "3", "$": "4", "%": "5", "^": "6", "&": "7",
    "*": "8", "(": "9", ")": "0",
}


def char_to_key(c):
    """Return (qcode, shifted) for one ASCII character on a US keyboard."""
    if "a" <= c <= "z" or "0" <= c <= "9":
        return c, False
    if "A" <= c <= "Z":
        return c.lower(), True
    if c in _UNSHIFTED:
        return _UNSHIFTED[c], False
    if c in _SHIFTED:
        return _SHIFTED[c], True
    raise ValueError("cannot type %r on a US keyboard" % c)


def unescape(text):
    r"""Turn the escapes a scenario may write in `type` text (\n \t \b \e
    \\) into characters; any other backslash is kept as it is."""
    out = []
    i = 0
    table = {"n": "\n", "t": "\t", "b": "\b", "e": "\x1b", "\\": "\\",
             "r": "\n"}
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text) and text[i + 1] in table:
            out.append(table[text[i + 1]])
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def socket_path_ok(path):
    """A Unix socket path must fit sun_path (108 bytes with the NUL)."""
    return len(os.fsencode(path)) < 108
