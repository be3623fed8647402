package io.gtm.common.config;

/** A configuration value that cannot be used; the message starts with the key's name. */
public final class ConfigException extends RuntimeException {
  private final String key;

  public ConfigException(String key, String message) {
    super(key + ": " + message, null, false, false);
    this.key = key;
  }

  public String key() {
    return key;
  }
}
