export const probe = "api-test";
