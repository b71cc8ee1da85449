// Amazon Nova: the messages-v1 body, and Converse-like whole and streamed answers.
import type { FamilyAdapter } from './adapter';
import { checkMaxTokens, invocationMetrics, isObj, readMessages, stopList, systemTexts, textBlock } from './adapter';

export const nova: FamilyAdapter = {
  defaultMaxTokens: 5000,
  request(body, model) {
    const { texts, userText, lastUserText } = readMessages(body.messages, textBlock);
    const cfg = isObj(body.inferenceConfig) ? body.inferenceConfig : {};
    return {
      inputTexts: [...systemTexts(body.system), ...texts],
      prompt: userText,
      lastUserText,
      maxTokens: checkMaxTokens(cfg.maxTokens ?? cfg.max_new_tokens, model, 'inferenceConfig.maxTokens', 5000),
      stopSequences: stopList(cfg.stopSequences, 'inferenceConfig.stopSequences'),
      temperature: cfg.temperature,
    };
  },
  whole(_model, r) {
    return {
      output: { message: { role: 'assistant', content: [{ text: r.text }] } },
      stopReason: r.stopReason,
      usage: { inputTokens: r.inputTokens, outputTokens: r.outputTokens, totalTokens: r.inputTokens + r.outputTokens },
    };
  },
  chunks(_model, r, latencyMs) {
    return {
      head: [{ messageStart: { role: 'assistant' } }],
      token: (t) => ({ contentBlockDelta: { delta: { text: t }, contentBlockIndex: 0 } }),
      tail: () => [
        { contentBlockStop: { contentBlockIndex: 0 } },
        { messageStop: { stopReason: r.stopReason } },
        {
          metadata: { usage: { inputTokens: r.inputTokens, outputTokens: r.outputTokens } },
          ...invocationMetrics(r, latencyMs),
        },
      ],
    };
  },
};
