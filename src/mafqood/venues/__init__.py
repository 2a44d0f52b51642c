"""The venue workspace: venues (lost-property desks), their members, roles and invitations,
their holding periods (`holding`), and who may act for a venue (`access`). The desk's daily
work on its items is `mafqood.desk`; what becomes of a found item at the desk (claims,
handover, retention and disposal) is `mafqood.lifecycle`. Both build on this package;
nothing here imports them."""
