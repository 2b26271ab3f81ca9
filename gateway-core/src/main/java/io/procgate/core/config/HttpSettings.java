package io.procgate.core.config;

/** The health and metrics endpoint ({@code gateway.http}). */
public record HttpSettings(boolean enabled, String host, int port) {}
