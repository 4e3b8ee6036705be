"""ReFocused's AWS infrastructure as Pulumi components (the project is the folder above)."""
