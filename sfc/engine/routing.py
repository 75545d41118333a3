"""Which topic a job goes to, and in which form."""

from __future__ import annotations

from sfc.core.blueprint import Mode, ResourceKind, parse_resource
from sfc.core.interpreter.commands import Job
from sfc.kafka import Topics


def job_topic(topics: Topics, job: Job) -> str:
    """The topic a job is produced to.

    Sync resources (HTTP, gRPC) go to the executor; ``kafka://<topic>`` to that topic;
    other async jobs to the common pool's topic, or to the blueprint's own topic when it
    is ``specific``.
    """
    resource = parse_resource(job.resource)
    if resource.mode is Mode.SYNC:
        return topics.executor_jobs
    if resource.kind is ResourceKind.KAFKA:
        return resource.name
    if job.message_type == "specific":
        return topics.blueprint_jobs(job.blueprint)
    return topics.common_jobs


def is_service_job(job: Job) -> bool:
    """Whether a job is for a plain Kafka service (``kafka://<topic>``).

    Such a service knows nothing of SFC: it gets the job's input alone as the record's
    value, the correlation in headers (see ``docs/blueprints.md``).
    """
    return job.resource.startswith("kafka://")
