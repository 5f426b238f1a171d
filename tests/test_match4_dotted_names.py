"""A short name written with dots or spaces between its letters and a legal form ("L.E.K. Inc")
normalises as its plain spelling ("LEK Inc."), so the two are compared and can merge."""

from imvo_cli.match import make_record, match_records
from imvo_cli.match.normalise import normalise_name


def test_a_dotted_short_name_with_a_legal_form_is_its_plain_spelling():
    assert normalise_name("L.E.K. Inc") == normalise_name("LEK Inc.") == "lek"
    assert normalise_name("T.R.X. Co. Ltd") == normalise_name("TRX Co Ltd") == "trx"
    # a longer letter-spaced name still loses its legal form as before
    assert normalise_name("m e r c u r y c o ltd") == "mercury"
    assert normalise_name("m e r c u r y appar e l ltd") == "mercury apparel"


def test_a_dotted_short_name_matches_its_plain_spelling():
    a = make_record(0, "LEK Inc.", "CA", "315 Knowlton Road, Knowlton, J0E 1V0, Quebec")
    b = make_record(1, "L.E.K. Inc", "CA", "315 Knowlton Rd, Knowlton QC J0E 1V0")
    assert match_records([a, b]).groups == [[0, 1]]
