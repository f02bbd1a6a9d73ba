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
