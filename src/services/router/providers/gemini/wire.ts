// Google Gemini API wire format (ai.google.dev/api/generate-content):
// models/{model}:generateContent and :streamGenerateContent?alt=sse.

export type GeminiPart =
  | { text: string; thought?: boolean }
  | { inlineData: { mimeType: string; data: string } }
  | { fileData: { mimeType?: string; fileUri: string } }
  | { functionCall: { id?: string; name: string; args: Record<string, unknown> } }
  | { functionResponse: { id?: string; name: string; response: Record<string, unknown> } };

export interface GeminiContent {
  role: 'user' | 'model';
  parts: GeminiPart[];
}

export interface GeminiRequest {
  contents: GeminiContent[];
  systemInstruction?: { parts: { text: string }[] };
  tools?: { functionDeclarations: { name: string; description?: string; parameters?: Record<string, unknown> }[] }[];
  toolConfig?: { functionCallingConfig: { mode: 'AUTO' | 'ANY' | 'NONE'; allowedFunctionNames?: string[] } };
  generationConfig?: { maxOutputTokens?: number; temperature?: number; topP?: number; stopSequences?: string[]; responseMimeType?: string };
}

export type GeminiFinishReason = 'STOP' | 'MAX_TOKENS' | 'SAFETY' | 'RECITATION' | 'BLOCKLIST' | 'PROHIBITED_CONTENT' | 'MALFORMED_FUNCTION_CALL' | 'OTHER' | 'FINISH_REASON_UNSPECIFIED';

export interface GeminiResponse {
  candidates?: { content?: GeminiContent; finishReason?: GeminiFinishReason; index?: number }[];
  usageMetadata?: { promptTokenCount?: number; candidatesTokenCount?: number; totalTokenCount?: number; cachedContentTokenCount?: number; thoughtsTokenCount?: number };
  modelVersion?: string;
  responseId?: string;
  promptFeedback?: { blockReason?: string };
}

/** Error body (google.rpc.Status): {"error": {"code", "message", "status", "details"}}. */
export interface GeminiErrorBody {
  error: { code: number; message: string; status: string; details?: { '@type': string; reason?: string }[] };
}
