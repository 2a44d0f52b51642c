"""The venue workspace: venues (lost-property desks), their members, roles and invitations,
and who may act for a venue (`access`). The desk's daily work on its items is
`mafqood.desk`, which builds on this package; nothing here imports it."""
