"""The stance model: pair encoding, the network, the model folder and fast inference."""
