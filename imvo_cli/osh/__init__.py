"""Open Supply Hub round trip: the list-upload rows OSH accepts, and OS IDs from a download.

    upload = upload_from_chain_map(chain_map)          # or upload_from_aggregate(result)
    write_upload(upload, "upload.csv")                 # imvo_cli.export.osh_upload
    result = match_suppliers(suppliers, "osh_download.csv", decisions=...)
    result.matches, result.review, result.attachments()

upload.py holds OSH's column rules, gazetteer.py streams a facilities download, matching.py
attaches OS IDs through one adapter over the facility matcher (imvo_cli.match).
"""

from __future__ import annotations

from .gazetteer import GazetteerFacility, read_gazetteer
from .matching import (
    ANNOTATED_HEADERS,
    OshMatch,
    OshMatchResult,
    OsIdAttachment,
    ReviewCandidate,
    attach_to_chain_map,
    attachment_cells,
    chain_map_attachment,
    match_supplier_list,
    match_suppliers,
)
from .upload import UPLOAD_COLUMNS, UploadResult, UploadRow, upload_from_aggregate, upload_from_chain_map

__all__ = [
    "ANNOTATED_HEADERS",
    "UPLOAD_COLUMNS",
    "GazetteerFacility",
    "OsIdAttachment",
    "OshMatch",
    "OshMatchResult",
    "ReviewCandidate",
    "UploadResult",
    "UploadRow",
    "attach_to_chain_map",
    "attachment_cells",
    "chain_map_attachment",
    "match_supplier_list",
    "match_suppliers",
    "read_gazetteer",
    "upload_from_aggregate",
    "upload_from_chain_map",
]
