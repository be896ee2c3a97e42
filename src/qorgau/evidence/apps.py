from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvidenceConfig(AppConfig):
    name = "qorgau.evidence"
    label = "evidence"
    verbose_name = _("Evidence")

    def ready(self):
        from qorgau.cases import extensions
        from qorgau.evidence import panels, texts
        from qorgau.evidence.dimensions import NONE, cyber_choices, cyber_values
        from qorgau.stats.registry import IncidentDimension, register_dimension

        register_dimension(
            IncidentDimension(
                code="cyber",
                label=_("Cyber-violence"),
                choices=cyber_choices,
                values_for=cyber_values,
                default=NONE,
            )
        )
        extensions.register_case_section(panels.case_section, order=40)
        extensions.register_event_texts(texts.EVENT_TEXTS)
        extensions.register_param_labels(texts.EVENT_LABELS)
