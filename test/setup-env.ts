// Runs in every jest worker before any test module is imported: the config module reads env once.
process.env.NODE_ENV = "test";
process.env.JWT_SECRET_KEY ??= "test-only-secret-0123456789abcdef0123456789abcdef";
process.env.LOG_LEVEL ??= "warn";
process.env.LOG_FORMAT ??= "text";
process.env.BCRYPT_COST ??= "4";
