"""modems[].phonebook: entries per storage, checked like +CPBW checks them."""

from simulator.modem.phonebookstore import Entry


def test_phonebook_read(scenario):
    loaded = scenario.load("""
        modems:
          - name: a
            phonebook:
              SM: [{number: "+33611111111", text: Alice}, {number: "0102"}]
              "ON": [{number: "+33699999999", text: Data}]
        """)
    assert loaded.modems[0].phonebook == (
        ("SM", (Entry("+33611111111", 145, "Alice"), Entry("0102", 129, ""))),
        ("ON", (Entry("+33699999999", 145, "Data"),)),
    )
    assert scenario.load("modems:\n  - name: a\n").modems[0].phonebook == ()


def test_phonebook_errors(scenario):
    def error(book: str) -> str:
        return scenario.error(f"modems:\n  - name: a\n    phonebook: {book}\n")

    assert error("{XX: []}").startswith("3: modems[0].phonebook.XX: unknown key")
    assert error('{SM: [{number: "12a"}]}').startswith("3: modems[0].phonebook.SM[0].number:")
    assert error("{SM: [{number: 12}]}").startswith("3: modems[0].phonebook.SM[0].number:")
    assert error('{SM: [{text: "x"}]}').startswith("3: modems[0].phonebook.SM[0].number:")
    assert error('{SM: [{number: "1", text: "' + "x" * 19 + '"}]}').startswith(
        "3: modems[0].phonebook.SM[0].text: at most 18 characters")
    assert error('{SM: [{number: "' + "1" * 41 + '"}]}').startswith(
        "3: modems[0].phonebook.SM[0].number: at most 40 digits")
    # YAML reads a bare ON as a boolean: the storage name needs quotes.
    assert error("{ON: []}").startswith("3: modems[0].phonebook.ON: keys must be names")
    assert error('{"ON": [' + ",".join(['{number: "1"}'] * 5) + ']}').startswith(
        "3: modems[0].phonebook.ON: ON holds 4 entries, got 5")
