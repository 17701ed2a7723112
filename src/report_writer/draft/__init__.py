"""Draft layer: draft.md, the editable draft, and what the tool knows about it.

markers.py: the region markers and the draft folder's saved state (generated text, provenance);
merge.py: the 3-way merge of a region by sentence; read.py: reading draft.md back into Document
blocks; checks.py: checking what the draft's prose says against the tables; docx.py: reading
draft.docx back; word_edits.py: carrying edits made in Word into draft.md; exports.py: the record
of draft.html and draft.docx as written, and the backup of one changed since. Must not import
anything above the draft layer (import, interview, build, check, commands, cli).
"""
