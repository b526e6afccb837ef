"""hashicorp/aws schema conformance: compact schema extracts of two provider versions, the
resource/data blocks a configuration sets, and the check of one against the other."""
