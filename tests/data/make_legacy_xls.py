"""Writes tests/data/legacy.xls, the legacy Excel fixture (needs xlwt, which imvo itself never uses)."""
import datetime, xlwt
wb = xlwt.Workbook(encoding="utf-8")
ws = wb.add_sheet("Leveranciers")
ws.write(0, 0, "Leverancierslijst")
ws.write(1, 0, "Bedrijf:"); ws.write(1, 1, "Zeeland Textiel B.V.")
hdr = ["Naam leverancier", "Adres", "Plaats", "Land", "Niveau", "Aantal werknemers", "Datum laatste audit"]
for j, h in enumerate(hdr): ws.write(3, j, h)
datefmt = xlwt.easyxf(num_format_str="DD-MM-YYYY")
rows = [["Meghna Apparels Ltd.", "Holding 12, Konabari", "Gazipur", "Bangladesh", 1, 1250, datetime.date(2023, 3, 15)],
        ["Akdeniz Örme San. ve Tic. A.Ş.", "Demirtaş OSB No: 4", "Bursa", "Turkije", 2, "100-500", "15-03-2023"],
        ["Kaveri Spinning Mills Pvt Ltd", "SF No. 12, Sathy Road", "Coimbatore", "India", 3, "approx. 300", None]]
for i, r in enumerate(rows):
    for j, v in enumerate(r):
        if v is None: continue
        if isinstance(v, datetime.date): ws.write(4 + i, j, v, datefmt)
        else: ws.write(4 + i, j, v)
wb.save("tests/data/legacy.xls")
