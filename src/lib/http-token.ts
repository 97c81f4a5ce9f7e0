// RFC 9110 §5.6.2: a token (what a header field name must be). One
// definition for every place that frames or checks HTTP header names.
export const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
