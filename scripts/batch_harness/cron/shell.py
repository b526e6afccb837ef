"""Crontab commands -> container argv, and job keys derived from them.

cron hands every command to ``$SHELL -c``. A container runs an argv directly, so a command is
split with POSIX shell quoting (shlex) when nothing in it needs a shell, and otherwise kept
whole as ``[SHELL, "-c", command]``: operators (``&&``, ``||``, ``;``, ``|``, ``&``), redirects,
``$`` expansions (also inside double quotes), backticks, subshells, globs, a leading ``~``, a
``#`` comment, and ``NAME=value command`` prefixes all mean the shell has work to do.
"""

from __future__ import annotations

import itertools
import os
import re
import shlex

KEY_MAX = 24  # with a module name prefix <= 16 and suffixes like "-execution", IAM names stay <= 64
IAM_NAME_MAX = 64
ASSUMED_PREFIX = 16  # module `name` length assumed when the importer is not told it

_OPERATORS = set("|&;<>()`\n")
_GLOB = set("*?[")


def needs_shell(command: str) -> bool:
    """True when running ``command`` as a plain argv would change what it does."""
    quote: str | None = None
    escaped = False
    word_start = True
    first_word = True
    for char in command:
        if escaped:
            escaped = False
            word_start = False
            continue
        if quote == "'":
            if char == "'":
                quote = None
            continue
        if quote == '"':
            if char in "$`":
                return True
            if char == "\\":
                escaped = True
            elif char == '"':
                quote = None
            continue
        if char == "\\":
            escaped = True
        elif char in "'\"":
            quote = char
        elif char in _OPERATORS or char == "$" or char in _GLOB or (word_start and char in "~#"):
            return True
        elif char == "=" and first_word:
            return True  # NAME=value prefix: an assignment for the shell to make
        if char.isspace():
            if not word_start:
                first_word = False
            word_start = True
        else:
            word_start = False
    return quote is not None  # unbalanced quotes: let the shell report it, as cron would


def to_argv(command: str, shell: str = "/bin/sh") -> list[str]:
    if needs_shell(command):
        return [shell, "-c", command]
    return shlex.split(command)


_WRAPPERS = {
    "nice", "ionice", "nohup", "timeout", "flock", "chronic", "cronic", "sudo", "env", "exec", "time",
    "setsid", "stdbuf", "run-one", "setlock", "lckdo", "xvfb-run", "caffeinate", "unbuffer",
}  # fmt: skip
# Options of each wrapper that take a separate value ("nice -n 10 cmd").
_VALUE_OPTIONS = {
    "nice": {"-n"}, "ionice": {"-c", "-n", "-p", "-P", "-u"}, "timeout": {"-s", "-k"},
    "flock": {"-w", "-E"}, "sudo": {"-u", "-g", "-C", "-h", "-p", "-U", "-D"}, "env": {"-u", "-C", "-S"},
    "stdbuf": {"-i", "-o", "-e"}, "time": {"-o", "-f"}, "setlock": set(), "lckdo": {"-w"},
}  # fmt: skip
_POSITIONAL_BEFORE_COMMAND = {"timeout": 1, "flock": 1, "setlock": 1, "lckdo": 1}
_INTERPRETERS = re.compile(
    r"(python|pypy|perl|ruby|php|node|nodejs|deno|bun|bash|sh|dash|zsh|ksh|rscript|lua|tclsh|java|groovy)"
    r"[0-9.]*(-cli)?"
)
_NOT_THE_JOB = {"cd", "test", "[", "[[", "sleep", "true", ":", "export", "source", ".", "set", "umask", "ulimit"}
_SCRIPT_SUFFIX = re.compile(r"\.(sh|bash|py|pl|rb|php|js|mjs|ts|jar|r|lua)$", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_:.-]{0,23}")


def _segments(command: str) -> list[list[str]]:
    """Simple commands of a shell line, as token lists (best effort; used only to name jobs)."""
    lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    segments: list[list[str]] = [[]]
    try:
        tokens = list(lexer)
    except ValueError:
        tokens = command.split()
    skip_next = False
    for token in tokens:
        if skip_next:
            skip_next = False
            continue
        if token and set(token) <= set("|&;()"):
            segments.append([])
        elif token and set(token) <= set("<>&"):
            skip_next = True  # a redirect target is a file name, not a program
        else:
            segments[-1].append(token)
    return [s for s in segments if s]


def _strip_wrappers(tokens: list[str]) -> list[str]:
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if "=" in token and re.match(r"[A-Za-z_][A-Za-z0-9_]*=", token):
            index += 1
            continue
        name = os.path.basename(token)
        if name not in _WRAPPERS:
            break
        index += 1
        positional = _POSITIONAL_BEFORE_COMMAND.get(name, 0)
        while index < len(tokens):
            current = tokens[index]
            if current.startswith("-"):
                if name == "flock" and current == "-c" and index + 1 < len(tokens):
                    return _program_tokens(tokens[index + 1])
                index += 2 if current in _VALUE_OPTIONS.get(name, set()) else 1
            elif "=" in current and name == "env":
                index += 1
            elif positional:
                positional -= 1
                index += 1
            else:
                break
    return tokens[index:]


def _program_tokens(command: str) -> list[str]:
    for segment in _segments(command):
        tokens = _strip_wrappers(segment)
        if tokens and os.path.basename(tokens[0]) not in _NOT_THE_JOB:
            return tokens
    return []


def _name_parts(tokens: list[str]) -> list[str]:
    if not tokens:
        return []
    program = os.path.basename(tokens[0])
    rest = tokens[1:]
    if program == "run-parts":
        targets = [t for t in rest if not t.startswith("-")]
        return [os.path.basename(targets[-1].rstrip("/"))] if targets else [program]
    if _INTERPRETERS.fullmatch(program.lower()) and rest:
        if program.lower().startswith(("sh", "bash", "dash", "zsh", "ksh")) and "-c" in rest:
            inner = rest[rest.index("-c") + 1 : rest.index("-c") + 2]
            return _name_parts(_program_tokens(inner[0])) if inner else [program]
        index = 0
        module = False
        while index < len(rest) and rest[index].startswith("-"):
            if rest[index] in ("-m", "-jar") and index + 1 < len(rest):
                module = rest[index] == "-m"
                index += 1
                break
            index += 1
        if index < len(rest):
            script = rest[index].rsplit(".", 1)[-1] if module else os.path.basename(rest[index])
            program, rest = script, rest[index + 1 :]
    parts = [_SCRIPT_SUFFIX.sub("", program)]
    # The first argument, when it is a plain word, is usually a subcommand worth naming the job by
    # ("manage.py clearsessions", "artisan schedule:run").
    if rest and _WORD.fullmatch(rest[0]) and not rest[0].startswith("-"):
        parts.append(_SCRIPT_SUFFIX.sub("", rest[0]))
    return parts


def sanitize_key(text: str, limit: int = KEY_MAX) -> str:
    key = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    if not key:
        key = "job"
    if key[0].isdigit():
        key = f"job_{key}"
    return key[:limit].rstrip("_")


def job_key(command: str, limit: int = KEY_MAX) -> str:
    """A readable key for a job: the program (or script) and its first plain-word argument."""
    return sanitize_key("_".join(_name_parts(_program_tokens(command))), limit)


def unique_key(base: str, taken: set[str], limit: int = KEY_MAX) -> str:
    if base not in taken:
        return base
    counter = 2
    while True:
        suffix = f"_{counter}"
        candidate = base[: limit - len(suffix)].rstrip("_") + suffix
        if candidate not in taken:
            return candidate
        counter += 1


def written_files(command: str) -> list[str]:
    """Absolute paths a shell command redirects output into (``> /var/log/x``), /dev/* excepted."""
    lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    try:
        tokens = list(lexer)
    except ValueError:
        return []
    found = []
    for operator, target in itertools.pairwise(tokens):
        if operator in (">", ">>", "&>", "&>>", ">|") and target.startswith("/") and not target.startswith("/dev/"):
            found.append(target)
    return found


def key_limit(prefix_length: int, schedule_key_length: int) -> int:
    """Longest job key for which the module's longest IAM role name fits in 64 characters.

    The module names a schedule's role ``<name>-<job>-<schedule>-sched``; job roles
    (``<name>-<job>-job``/``-exec``) are shorter.
    """
    return max(1, min(KEY_MAX, IAM_NAME_MAX - prefix_length - 1 - 1 - schedule_key_length - len("-sched")))
