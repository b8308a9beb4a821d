"""The three review meetings of the seed reports, built by ingestion: the reports are read into
the review queue of the General Department of Defense Industry and the planner's decisions on
the proposals make the meetings, their attendees, conclusions and tasks (`ingest/demo.py`).

Loaded here, with the meetings app, so that the demos reading the meetings find them."""


def load(stdout=None):
    from dimis.ingest.demo import build_seed_meetings

    build_seed_meetings(stdout)
