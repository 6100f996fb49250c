"""Background work of polls, queued by `manage.py tick`."""

from __future__ import annotations

from django_tasks import task


@task()
def publish_poll_results() -> int:
    """Publish the results of polls past their closing time that nobody has opened since.

    The first page view after closing publishes them too; this makes sure the audit
    trail and the lists have them on time even for a poll nobody looks at.
    """
    from .services import publish_due_results

    return publish_due_results()


# Queued by `manage.py tick`.
PERIODIC = [publish_poll_results]


def run_periodic() -> str:
    from .services import publish_due_results

    return f"{publish_due_results()} poll results published"
