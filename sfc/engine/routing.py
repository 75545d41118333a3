"""Which topic a job goes to."""

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
