# Models for this app arrive with the issues that build it (see DESIGN.md).
