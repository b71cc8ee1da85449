// Amazon Titan Text: inputText and textGenerationConfig in, results out.
import { invalid } from '../../errors';
import type { FamilyAdapter } from './adapter';
import { checkMaxTokens, invocationMetrics, isObj, stopList } from './adapter';

const STOP: Record<string, string> = { end_turn: 'FINISH', max_tokens: 'LENGTH', stop_sequence: 'STOP_CRITERIA_MET' };

export const titan: FamilyAdapter = {
  defaultMaxTokens: 5000,
  request(body, model) {
    if (typeof body.inputText !== 'string' || body.inputText.trim() === '')
      throw invalid(
        'Malformed input request: #: required key [inputText] not found, please reformat your input and try again.',
      );
    const cfg = isObj(body.textGenerationConfig) ? body.textGenerationConfig : {};
    return {
      inputTexts: [body.inputText],
      prompt: body.inputText,
      maxTokens: checkMaxTokens(cfg.maxTokenCount, model, 'textGenerationConfig.maxTokenCount', 512),
      stopSequences: stopList(cfg.stopSequences, 'textGenerationConfig.stopSequences'),
      temperature: cfg.temperature,
    };
  },
  whole(_model, r) {
    return {
      inputTextTokenCount: r.inputTokens,
      results: [{ tokenCount: r.outputTokens, outputText: r.text, completionReason: STOP[r.stopReason] }],
    };
  },
  chunks(_model, r, latencyMs) {
    return {
      head: [],
      token: (t, i) => ({
        outputText: t,
        index: 0,
        totalOutputTextTokenCount: i + 1,
        completionReason: null,
        inputTextTokenCount: i === 0 ? r.inputTokens : null,
      }),
      tail: () => [
        {
          outputText: '',
          index: 0,
          totalOutputTextTokenCount: r.outputTokens,
          completionReason: STOP[r.stopReason],
          inputTextTokenCount: null,
          ...invocationMetrics(r, latencyMs),
        },
      ],
    };
  },
};
