"""Importing lists: each format through the command, versions with their delta, re-imports."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from screening_fixtures import *  # noqa: F403
from screening_helpers import entry, house_csv, write

from compliance.screening.models import (
    EntryWallet,
    Watchlist,
    WatchlistEntry,
    WatchlistVersion,
)
from core.audit import events_for

pytestmark = pytest.mark.django_db
FILES = Path(__file__).parent / "import_files"


def test_un_xml_is_imported_with_reference_numbers_as_entry_ids(tmp_path):
    path = FILES / "un_consolidated.xml"
    call_command("import_watchlist", "--source", "un", str(path), "--no-rescreen")
    entries = WatchlistEntry.objects.filter(watchlist__code="UN")
    assert set(entries.values_list("entry_id", flat=True)) == {"QDi.900", "QDi.901", "QDe.905"}
    tahir = entries.get(entry_id="QDi.900")
    assert tahir.kind == "person" and tahir.list_code == "UN"
    assert {(n.name, n.quality) for n in tahir.names.all()} >= {("Abu Tahir", "low")}
    assert tahir.id_numbers.get().number == "3520255566671"  # CNIC normalized to its digits
    assert str(tahir.dobs.get()) == "1971-03-05"
    assert str(entries.get(entry_id="QDi.901").dobs.get()) == "1965"  # year only
    assert entries.get(entry_id="QDe.905").kind == "entity"


def test_ofac_sdn_xml_keeps_digital_currency_addresses_as_wallets(tmp_path):
    path = FILES / "ofac_sdn.xml"
    call_command("import_watchlist", "--source", "ofac_sdn", str(path), "--no-rescreen")
    listed = WatchlistEntry.objects.get(watchlist__code="OFAC", entry_id="36001")
    wallets = {(w.chain, w.address_key) for w in EntryWallet.objects.filter(entry=listed)}
    assert wallets == {
        ("BTC", "bc1qsanctioned0address0for0tests0xyzq8n6d"),
        ("ETH", "0x1111111111111111111111111111111111111111"),
    }
    assert listed.program == "SDGT"
    assert WatchlistEntry.objects.get(entry_id="36002").kind == "entity"


def test_nacta_fourth_schedule_csv_is_its_own_list_keyed_by_cnic(tmp_path):
    path = FILES / "nacta_fourth_schedule.csv"
    call_command("import_watchlist", "--source", "nacta", str(path), "--no-rescreen")
    watchlist = Watchlist.objects.get(code="NACTA-4TH-SCHEDULE")
    assert watchlist.category == Watchlist.Category.PROSCRIBED
    yousaf = watchlist.entries.get(entry_id="61101-1234567-9")
    assert yousaf.father_name == "Abdul Ghafoor"
    assert watchlist.entries.count() == 2


def test_house_csv_is_imported_through_the_command(tmp_path, capsys):
    rows = [
        entry("H-1", "Muhammad Wali Qureshi", aliases="Muhammad Wali Yousafzai", nationality="AF"),
        entry("H-2", "Al-Madina Traders", kind="entity", list="NACTA"),
    ]
    path = write(tmp_path, "house.csv", house_csv(rows))
    call_command("import_watchlist", "--source", "csv", str(path), "--no-rescreen")
    assert "2 added, 0 changed, 0 removed" in capsys.readouterr().out
    assert WatchlistEntry.objects.get(entry_id="H-2").list_code == "NACTA"


def test_reimport_records_added_changed_and_removed(import_house):
    first = import_house(
        [entry("A", "Ahmad Shah Durrani"), entry("B", "Bilal Khan"), entry("C", "Chaudhry Aslam")]
    )
    assert first.version.delta == {"added": 3, "changed": 0, "removed": 0}
    second = import_house(
        [
            entry("A", "Ahmad Shah Durrani"),
            entry("B", "Bilal Khan", date_of_birth="1970-01-01"),
            entry("D", "Dawood Ibrahim Kaskar"),
        ]
    )
    version = second.version
    assert version.delta == {"added": 1, "changed": 1, "removed": 1}
    assert version.number == 2 and version.entries_total == 3
    removed = WatchlistEntry.objects.get(entry_id="C")
    assert not removed.is_active and removed.removed_in_version == version
    changed = WatchlistEntry.objects.get(entry_id="B")
    assert changed.first_version == first.version and changed.last_version == version
    assert str(changed.dobs.get()) == "1970-01-01"
    assert events_for(version).filter(action="watchlist.imported").exists()


def test_reimporting_an_unchanged_file_records_an_empty_delta(import_house):
    rows = [entry("A", "Ahmad Shah Durrani"), entry("B", "Bilal Khan")]
    import_house(rows)
    again = import_house(list(reversed(rows)))
    assert again.version.delta == {"added": 0, "changed": 0, "removed": 0}
    assert again.version.number == 2
    assert WatchlistVersion.objects.count() == 2


def test_an_entry_coming_back_after_removal_counts_as_added(import_house):
    import_house([entry("A", "Ahmad Shah Durrani"), entry("B", "Bilal Khan")])
    import_house([entry("A", "Ahmad Shah Durrani")])
    back = import_house([entry("A", "Ahmad Shah Durrani"), entry("B", "Bilal Khan")])
    assert back.version.delta == {"added": 1, "changed": 0, "removed": 0}
    returned = WatchlistEntry.objects.get(entry_id="B")
    assert returned.is_active and returned.removed_in_version is None


def test_a_file_removing_most_of_a_list_is_refused_unless_intended(import_house):
    from core.errors import ValidationFailed

    import_house([entry(f"E{i}", f"Listed Person Number{i}") for i in range(30)])
    with pytest.raises(ValidationFailed):
        import_house([entry("E1", "Listed Person Number1")])
    applied = import_house([entry("E1", "Listed Person Number1")], allow_mass_removal=True)
    assert applied.version.removed == 29


def test_a_file_in_the_wrong_format_is_a_command_error(tmp_path):
    path = FILES / "ofac_sdn.xml"
    with pytest.raises(CommandError, match="CONSOLIDATED_LIST"):
        call_command("import_watchlist", "--source", "un", str(path))
    assert not WatchlistVersion.objects.exists()
