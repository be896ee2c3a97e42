"""Safety plans stored the ticked bag suggestions as words in the worker's language, so a Kazakh
printout could list them in Russian. Move every line that is one of those suggestions (in any of
the three languages) into `bag_items` as its code; her own words stay in `emergency_bag`.

The words are written out here (not read from the catalogues) so the migration means the same
thing whatever the translations become. Reversing writes the English words back."""

from django.db import migrations

WORDS = {
    "identity_card": (
        "Identity card or passport",
        "Жеке куәлік немесе паспорт",
        "Удостоверение личности или паспорт",
    ),
    "birth_certificates": (
        "Children's birth certificates",
        "Балалардың туу туралы куәліктері",
        "Свидетельства о рождении детей",
    ),
    "money": ("Money and bank cards", "Ақша және банк карталары", "Деньги и банковские карты"),
    "medicines": ("Medicines and prescriptions", "Дәрі-дәрмек және рецепттер", "Лекарства и рецепты"),
    "keys": ("Spare keys", "Қосалқы кілттер", "Запасные ключи"),
    "charger": ("Phone charger", "Телефонның зарядтағышы", "Зарядное устройство для телефона"),
    "document_copies": (
        "Copies of important documents",
        "Маңызды құжаттардың көшірмелері",
        "Копии важных документов",
    ),
}
CODE_OF = {" ".join(w.split()).casefold(): code for code, words in WORDS.items() for w in words}


def split_bag(content: dict) -> dict:
    codes = list(content.get("bag_items") or [])
    own = []
    for line in content.get("emergency_bag") or []:
        code = CODE_OF.get(" ".join(str(line).split()).casefold())
        if code is None:
            own.append(line)
        elif code not in codes:
            codes.append(code)
    return {**content, "bag_items": codes, "emergency_bag": own}


def forwards(apps, schema_editor):
    SafetyPlan = apps.get_model("risk", "SafetyPlan")
    for plan in SafetyPlan.objects.all().iterator(chunk_size=500):
        content = plan.content or {}
        changed = split_bag(content)
        if changed != content:
            plan.content = changed
            plan.save(update_fields=["content"])


def backwards(apps, schema_editor):
    SafetyPlan = apps.get_model("risk", "SafetyPlan")
    for plan in SafetyPlan.objects.all().iterator(chunk_size=500):
        content = dict(plan.content or {})
        codes = content.pop("bag_items", None) or []
        if codes:
            content["emergency_bag"] = [WORDS[c][0] for c in codes if c in WORDS] + list(
                content.get("emergency_bag") or []
            )
        plan.content = content
        plan.save(update_fields=["content"])


class Migration(migrations.Migration):
    dependencies = [("risk", "0003_assessment_words_and_draft")]

    operations = [migrations.RunPython(forwards, backwards)]
