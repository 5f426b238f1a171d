"""Writers: annotated workbooks, the aggregate workbook, the input template, atomic output."""
