from twisted.logger import LogLevel, globalLogPublisher

from simulator import logs


def test_threshold_drops_events_at_the_source():
    seen = []
    globalLogPublisher.addObserver(seen.append)
    logger = logs.Logger(namespace="atsim.test")
    try:
        logs.set_level("info")
        logger.debug("hidden {x}", x=1)
        logger.info("shown {x}", x=2)
        logs.set_level(LogLevel.debug)
        logger.debug("now shown {x}", x=3)
    finally:
        logs.set_level("info")
        globalLogPublisher.removeObserver(seen.append)
    mine = [e["x"] for e in seen if e.get("log_namespace") == "atsim.test"]
    assert mine == [2, 3]
    assert logs.level() is LogLevel.info


def test_debugging_follows_the_threshold():
    try:
        logs.set_level("info")
        assert not logs.debugging()
        logs.set_level("debug")
        assert logs.debugging()
    finally:
        logs.set_level("info")
    assert not logs.debugging()


def test_a_quiet_modem_event_is_logged_at_debug_only_and_observers_still_see_it():
    from tests.modem.bench import Bench

    seen = []
    globalLogPublisher.addObserver(seen.append)
    bench = Bench()
    told = []
    bench.modem.add_hook("observers", lambda modem, kind, port, fields: told.append((kind, fields)))
    try:
        logs.set_level("info")
        bench.modem.event("registration", quiet=True, domain="+CREG", stat=2)
        bench.modem.event("registration", domain="+CREG", stat=1)
        logs.set_level("debug")
        bench.modem.event("registration", quiet=True, domain="+CREG", stat=2)
    finally:
        logs.set_level("info")
        globalLogPublisher.removeObserver(seen.append)
    logged = [(e["log_level"], e["stat"]) for e in seen if e.get("event") == "registration"]
    assert logged == [(LogLevel.info, 1), (LogLevel.debug, 2)]
    assert told == [("registration", {"domain": "+CREG", "stat": s}) for s in (2, 1, 2)]
