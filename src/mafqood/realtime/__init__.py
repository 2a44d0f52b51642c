"""Real-time events over WebSocket, shared between API processes through Redis pub/sub."""
