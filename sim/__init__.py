"""Southern Flank: an agent-based simulation of NATO's southern neighbourhood."""
