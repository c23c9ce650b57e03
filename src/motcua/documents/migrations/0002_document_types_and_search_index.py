"""Seed the document types of Decree 30/2020 Appendix III and add the PostgreSQL search index.

The type list is copied here (not imported) so this migration keeps meaning what it meant when written;
administrators maintain the table afterwards. The trigram index serves ``LIKE '%word%'`` on the folded
search text; SQLite has no equivalent and scans.
"""

from django.db import migrations

TYPES = [
    ("NQ", "Nghị quyết (cá biệt)", False),
    ("QĐ", "Quyết định (cá biệt)", False),
    ("CT", "Chỉ thị", False),
    ("QC", "Quy chế", False),
    ("QyĐ", "Quy định", False),
    ("TC", "Thông cáo", False),
    ("TB", "Thông báo", False),
    ("HD", "Hướng dẫn", False),
    ("CTr", "Chương trình", False),
    ("KH", "Kế hoạch", False),
    ("PA", "Phương án", False),
    ("ĐA", "Đề án", False),
    ("DA", "Dự án", False),
    ("BC", "Báo cáo", False),
    ("BB", "Biên bản", False),
    ("TTr", "Tờ trình", False),
    ("HĐ", "Hợp đồng", False),
    ("CĐ", "Công điện", False),
    ("BGN", "Bản ghi nhớ", False),
    ("BTT", "Bản thỏa thuận", False),
    ("GUQ", "Giấy ủy quyền", False),
    ("GM", "Giấy mời", False),
    ("GGT", "Giấy giới thiệu", False),
    ("GNP", "Giấy nghỉ phép", False),
    ("PG", "Phiếu gửi", False),
    ("PC", "Phiếu chuyển", False),
    ("PB", "Phiếu báo", False),
    ("SY", "Bản sao y", False),
    ("TrS", "Bản trích sao", False),
    ("SL", "Bản sao lục", False),
    ("", "Công văn", False),
    ("NQ", "Nghị quyết (quy phạm pháp luật)", True),
    ("QĐ", "Quyết định (quy phạm pháp luật)", True),
]

TRIGRAM_INDEXES = [
    ("outgoing_search_trgm", "documents_outgoingdocument"),
    ("incoming_search_trgm", "documents_incomingdocument"),
]


def seed_types(apps, schema_editor):
    DocumentType = apps.get_model("documents", "DocumentType")
    for abbreviation, name, legal in TYPES:
        DocumentType.objects.get_or_create(
            name=name, defaults={"abbreviation": abbreviation, "is_legal_normative": legal}
        )


def add_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table in TRIGRAM_INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (search_folded gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [
        migrations.RunPython(seed_types, migrations.RunPython.noop),
        migrations.RunPython(add_trigram_indexes, drop_trigram_indexes),
    ]
