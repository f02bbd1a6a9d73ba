"""The SMS keys: network.sms (delay, inbox, poll), numbers' sms folder, modems[].sms.storage."""

from simulator.network.spec import SmsCentreSpec


def test_sms_keys_read(scenario):
    loaded = scenario.load("""
        modems:
          - name: a
            msisdn: "+33600000001"
            sms: {storage: {ME: 50, SR: 0}}
        network:
          sms: {delay: 250ms, inbox: ./inbox, poll: 2s}
          numbers:
            "+3370000": {sms: ./outbox}
        """)
    network = loaded.network
    assert network.sms == SmsCentreSpec(0.25, scenario.directory / "inbox", 2.0)
    (number,) = network.numbers
    assert number.sms == scenario.directory / "outbox"
    assert loaded.modems[0].sms_capacity == (("ME", 50), ("SR", 0))


def test_sms_defaults(scenario):
    loaded = scenario.load("modems:\n  - name: a\n")
    assert loaded.network.sms == SmsCentreSpec()
    assert loaded.modems[0].sms_capacity == ()


def test_sms_key_errors(scenario):
    assert scenario.error("""
        modems:
          - name: a
            sms: {storage: {XX: 5}}
        """).startswith("4: modems[0].sms.storage.XX: unknown key")
    assert scenario.error("""
        modems:
          - name: a
            sms: {storage: {ME: 5000}}
        """).startswith("4: modems[0].sms.storage.ME:")
    assert scenario.error("""
        modems:
          - name: a
        network:
          sms: {delay: soon}
        """).startswith("5: network.sms.delay:")
    assert scenario.error("""
        modems:
          - name: a
        network:
          sms: {poll: 0s}
        """).startswith("5: network.sms.poll:")
    assert scenario.error("""
        modems:
          - name: a
        network:
          numbers:
            "+3370000": {sms: ./out, modem: a}
        """).startswith("6: network.numbers.+3370000: a number needs exactly one of")


def test_the_sms_lab_example_loads():
    from pathlib import Path

    from simulator.scenario.loader import load

    path = Path(__file__).resolve().parents[2] / "scenarios" / "sms-lab.yaml"
    lab = load(path)
    assert [m.msisdn for m in lab.modems] == ["+33600000001", "+33600000002"]
    assert lab.network.sms.inbox == path.parent / "sms-lab" / "inbox"
    assert lab.network.numbers[0].sms == path.parent / "sms-lab" / "outbox"
