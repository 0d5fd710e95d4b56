from django.conf import settings

from ewp.hashing import hash_iias, iia_hash

PUBLISHED_HASH = "87b33170d7a6c6d894215641f39e7b7de36501265479e5ab3922f32d5b225033"


def example(name):
    return (settings.EWP_SCHEMAS_DIR / "iias-v7" / name).read_bytes()


def test_iia_hash_reproduces_the_published_example():
    assert iia_hash(example("get-response-v7.xml")) == PUBLISHED_HASH


def test_hash_iias_marks_v6_leftovers_not_valid_for_approval():
    (hashed,) = hash_iias(example("get-response-v7.xml"))
    assert hashed.iia_id == "0f7a5682-faf7-49a7-9cc7-ec486c49a281"
    assert hashed.text_to_hash.startswith("_iia-id_1=0f7a5682-faf7-49a7-9cc7-ec486c49a281__iia-id_2=1954991_")
    assert not hashed.valid_for_approval


def test_iia_hash_changes_with_a_condition():
    original = example("get-response-example.xml")
    changed = original.replace(b"<total-days-per-year>8<", b"<total-days-per-year>9<", 1)
    assert changed != original
    assert hash_iias(original)[0].valid_for_approval
    assert iia_hash(changed) != iia_hash(original)
