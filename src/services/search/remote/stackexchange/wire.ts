// Stack Exchange API 2.3, /search/advanced with the default filter
// (https://api.stackexchange.com/docs/advanced-search): the common wrapper
// (https://api.stackexchange.com/docs/wrapper) around question objects.
// Every answer is gzip-compressed (https://api.stackexchange.com/docs/compression).
// Errors: the wrapper with error_id/error_name/error_message and an HTTP
// status (https://api.stackexchange.com/docs/error-handling).

export interface SeQuestion {
  question_id: number;
  title: string;
  link: string;
  tags?: string[];
  is_answered?: boolean;
  answer_count?: number;
  score?: number;
  view_count?: number;
  creation_date?: number;
  last_activity_date?: number;
}

export interface SeWrapper {
  items?: SeQuestion[];
  has_more?: boolean;
  quota_max?: number;
  quota_remaining?: number;
  /** Seconds to wait before calling the same method again. */
  backoff?: number;
  error_id?: number;
  error_name?: string;
  error_message?: string;
}
