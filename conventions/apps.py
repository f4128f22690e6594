from django.apps import AppConfig


class ConventionsConfig(AppConfig):
    name = "conventions"
    verbose_name = "Conventions et subventions"

    def ready(self):
        from structures import hooks

        from . import sections, services

        # A change of a structure's posts amends its signed convention (same transaction).
        hooks.on_postes_modifies(services.postes_modifies)
        # The structure's page ("Ma structure") lists its conventions.
        hooks.register_section(sections.section_structure)
