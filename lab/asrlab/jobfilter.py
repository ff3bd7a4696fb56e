"""The OData ``$filter`` of ReplicationJobs_List (GET .../replicationJobs), as ASR reads it.

The filter names the fields of the REST spec's JobQueryParameter (api-version 2025-08-01):
startTime, endTime, fabricId, affectedObjectTypes, jobStatus, jobName, timezoneOffset (and
jobOutputType, which only an export uses). Clients write ``name eq 'value'`` clauses joined by
``and``, a field with several values as ``( name eq 'a' or name eq 'b' )`` (azure-powershell's
ToQueryString, with .NET's PascalCase names: field names are case-insensitive).

- startTime / endTime: the jobs that started at or after / at or before that moment (ISO 8601;
  one without an offset is local time at ``timezoneOffset`` minutes east of UTC, else UTC).
- fabricId: the jobs of that fabric (its ARM id or name; the lab's jobs all work on its one fabric).
- affectedObjectTypes: the jobs whose targetInstanceType is one of them ("Any": all).
- jobStatus: the jobs in one of these states (state, or stateDescription such as Completed).
- jobName: the jobs with that name (the job id) or scenarioName (UnplannedFailover, ...).
"""

from __future__ import annotations

import datetime
import re

from .arm import ArmError

FIELDS = ("startTime", "endTime", "fabricId", "affectedObjectTypes", "jobStatus", "jobName", "timezoneOffset", "jobOutputType")
_CLAUSE = re.compile(r"^\s*(\w+)\s+eq\s+'([^']*)'\s*$", re.IGNORECASE)


def _bad(text, why):
    return ArmError(400, "InvalidFilter", "The $filter '%s' is not valid: %s." % (text, why),
                    possible_causes="The filter does not follow JobQueryParameter's fields and OData's 'eq', 'and', 'or'.",
                    recommended_action="Write clauses such as jobStatus eq 'InProgress' and startTime eq '2025-08-01T00:00:00Z', "
                    "joined by 'and'; several values of one field as ( jobStatus eq 'Failed' or jobStatus eq 'Cancelled' ).")


def parse(text):
    """{field: [values]} of a $filter; ArmError 400 when it is not one ASR reads."""
    wanted = {}
    for part in re.split(r"\s+and\s+", text.strip(), flags=re.IGNORECASE):
        inner = part.strip()
        if inner.startswith("(") and inner.endswith(")"):
            inner = inner[1:-1]
        names, values = set(), []
        for clause in re.split(r"\s+or\s+", inner, flags=re.IGNORECASE):
            match = _CLAUSE.match(clause)
            field = match and next((f for f in FIELDS if f.lower() == match.group(1).lower()), None)
            if not field:
                raise _bad(text, "%r is not a clause 'field eq 'value'' of a field among %s" % (clause.strip(), ", ".join(FIELDS)))
            names.add(field)
            values.append(match.group(2))
        if len(names) != 1:
            raise _bad(text, "'or' joins values of one field only")
        wanted.setdefault(names.pop(), []).extend(values)
    return wanted


def _moment(text, value, offset_minutes):
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise _bad(text, "%r is not an ISO 8601 date and time" % value) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone(datetime.timedelta(minutes=offset_minutes)))
    return moment


def select(jobs, text, now, fabric):
    """The jobs (jobs.Job) that ``text`` selects at ``now``, with their views; ``fabric``: the vault's fabric document."""
    wanted = parse(text)
    try:
        offset = float(wanted.get("timezoneOffset", ["0"])[-1])
    except ValueError:
        raise _bad(text, "timezoneOffset must be a number of minutes") from None
    starts = [_moment(text, v, offset) for v in wanted.get("startTime", [])]
    ends = [_moment(text, v, offset) for v in wanted.get("endTime", [])]
    fabrics = [v.lower() for v in wanted.get("fabricId", [])]
    if fabrics and not {fabric["id"].lower(), fabric["name"].lower()} & set(fabrics):
        return []
    types = [v.lower() for v in wanted.get("affectedObjectTypes", [])]
    states = [v.lower() for v in wanted.get("jobStatus", [])]
    names = [v.lower() for v in wanted.get("jobName", [])]
    chosen = []
    for job in jobs:
        view = job.view(now)
        properties = view["properties"]
        if any(job.created < start for start in starts) or any(job.created > end for end in ends):
            continue
        if types and "any" not in types and properties["targetInstanceType"].lower() not in types:
            continue
        if states and not {properties["state"].lower(), properties["stateDescription"].lower()} & set(states):
            continue
        if names and not {job.id.lower(), job.scenario_name.lower()} & set(names):
            continue
        chosen.append(view)
    return chosen
