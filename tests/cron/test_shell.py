"""Commands -> argv (shell only when needed) and job keys."""

from __future__ import annotations

import pytest

from batch_harness.cron.shell import KEY_MAX, job_key, needs_shell, sanitize_key, to_argv, unique_key


@pytest.mark.parametrize(
    ("command", "shell"),
    [
        ("/usr/bin/find /tmp -mtime +7 -delete", False),
        ("./a.sh --name 'a b' \"c d\"", False),
        ("echo '$HOME && `x`'", False),  # all quoted literally
        ("echo a\\&\\&b", False),  # escaped
        ("a && b", True),
        ("a || b", True),
        ("a; b", True),
        ("a | b", True),
        ("a > /dev/null", True),
        ("a 2>&1", True),
        ("a < input", True),
        ("a &", True),
        ("(a)", True),
        ("echo $HOME", True),
        ('echo "$HOME"', True),  # double quotes still expand
        ("echo `date`", True),
        ("echo $(date)", True),
        ("rm /tmp/*.log", True),
        ("ls file?.txt", True),
        ("ls [ab].txt", True),
        ("cat ~/notes", True),
        ("a # comment", True),
        ("FOO=1 a", True),
        ("a --opt=value", False),  # '=' in a later word is just an argument
        ("echo 'unterminated", True),
    ],
)
def test_needs_shell(command: str, shell: bool) -> None:
    assert needs_shell(command) is shell


def test_to_argv() -> None:
    assert to_argv("./a.sh --name 'a b'") == ["./a.sh", "--name", "a b"]
    assert to_argv("a && b", "/bin/bash") == ["/bin/bash", "-c", "a && b"]


@pytest.mark.parametrize(
    ("command", "key"),
    [
        ("/usr/local/bin/backup.sh --full", "backup"),
        ("python3 ~/app/manage.py clearsessions", "manage_clearsessions"),
        ("/usr/bin/env python3 -m app.jobs.report weekly", "report_weekly"),
        ("php /var/www/artisan schedule:run", "artisan_schedule_run"),
        ("cd /srv/app && ./bin/rake db:cleanup >> /var/log/x 2>&1", "rake_db_cleanup"),
        ("test -x /usr/sbin/anacron || ( cd / && run-parts --report /etc/cron.daily )", "cron_daily"),
        ("nice -n 10 ionice -c3 /usr/bin/rsync -a /a /b", "rsync"),
        ("flock -n x.lock ./sync.sh", "sync"),
        ("timeout 300 bin/import-data --since yesterday", "import_data"),
        ("/bin/bash -c 'cd /x && ./run.sh'", "run"),
        ("java -jar etl.jar nightly", "etl_nightly"),
        ("./2fa-rotate", "job_2fa_rotate"),
        ("./This.Is.A.Very.Long.Program.Name.That.Goes.On", "this_is_a_very_long_prog"),
        ("$(which true)", "job"),
    ],
)
def test_job_key(command: str, key: str) -> None:
    assert job_key(command) == key
    assert len(key) <= KEY_MAX


def test_unique_key_keeps_the_limit() -> None:
    base = sanitize_key("x" * 40)
    assert len(base) == KEY_MAX
    taken = {base}
    second = unique_key(base, taken)
    assert second.endswith("_2") and len(second) == KEY_MAX and second not in taken
    taken.add(second)
    assert unique_key(base, taken).endswith("_3")
