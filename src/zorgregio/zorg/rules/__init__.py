"""The rules of iWmo/iJw 3.2, owned by the care model.

- :mod:`.registry`: every rule of the standard's rule documents for the processed message
  types, with its level, retourcode, effect, Dutch text and how zorgregio applies it.
- :mod:`.elements`: the conditions (CD) and constraints (CS) per data element.
- :mod:`.within`: the technical rules checked within one message.
- :mod:`.cross`: cross-message rules written as functions (the rest is still inline in
  ``berichten.services``; the registry says where).
- :mod:`.catalogue`: what the standard's documents list (built by ``tools/build_rules.py``).

``berichten.validation`` runs the rules within the message on the records as they stream from
the parser.
"""
