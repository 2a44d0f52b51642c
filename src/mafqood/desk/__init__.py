"""The venue desk's everyday work on the items it holds: intake of several found items with
tag codes, the inventory, printable labels, and the venue's reports. It builds on the venue
workspace (`mafqood.venues`), which knows nothing of it."""
