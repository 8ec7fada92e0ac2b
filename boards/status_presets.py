"""The status keys a new installation starts with; partnerships may edit them or add their own."""

# (label, colour name, background, text colour, means complete, new actions start here),
# in display order.
PRESETS = {
    "Blue, Green, Amber, Red": [
        ("Complete", "Blue", "#1f4e9c", "#ffffff", True, False),
        ("Progressing", "Green", "#1e7b34", "#ffffff", False, False),
        ("On hold", "Amber", "#f0ad1e", "#000000", False, False),
        ("Not started", "Red", "#b3261e", "#ffffff", False, True),
    ],
    "Red, Amber, Green and Complete": [
        ("Not on track", "Red", "#b3261e", "#ffffff", False, False),
        ("At risk", "Amber", "#f0ad1e", "#000000", False, False),
        ("On track", "Green", "#1e7b34", "#ffffff", False, True),
        ("Complete", "Grey", "#5a5a5a", "#ffffff", True, False),
    ],
}
DEFAULT_PRESET = "Blue, Green, Amber, Red"


def install_presets(status_key_model, status_option_model) -> None:
    """Create the presets that are missing. Takes the models so migrations can pass theirs."""
    for name, options in PRESETS.items():
        key, created = status_key_model.objects.get_or_create(name=name)
        if not created:
            continue
        for order, (label, colour_name, background, text, complete, starts) in enumerate(options):
            status_option_model.objects.create(
                key=key,
                label=label,
                colour_name=colour_name,
                background=background,
                text_colour=text,
                means_complete=complete,
                starts_here=starts,
                order=order,
            )
