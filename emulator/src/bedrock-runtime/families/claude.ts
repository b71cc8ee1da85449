// Anthropic Claude: the messages body (anthropic_version, max_tokens) and its message events.
import { invalid } from '../../errors';
import type { FamilyAdapter } from './adapter';
import { checkMaxTokens, invocationMetrics, isObj, readMessages, stopList, systemTexts } from './adapter';

const STOP: Record<string, string> = { end_turn: 'end_turn', max_tokens: 'max_tokens', stop_sequence: 'stop_sequence' };

export const claude: FamilyAdapter = {
  defaultMaxTokens: 4096,
  request(body, model) {
    if (typeof body.anthropic_version !== 'string')
      throw invalid(
        'Malformed input request: #: required key [anthropic_version] not found, please reformat your input and try again.',
      );
    if (body.max_tokens === undefined)
      throw invalid(
        'Malformed input request: #: required key [max_tokens] not found, please reformat your input and try again.',
      );
    const { texts, userText, lastUserText } = readMessages(body.messages, (b) =>
      isObj(b) && b.type === 'text' && typeof b.text === 'string' ? b.text : null,
    );
    return {
      inputTexts: [...systemTexts(body.system), ...texts],
      prompt: userText,
      lastUserText,
      maxTokens: checkMaxTokens(body.max_tokens, model, 'max_tokens', 4096),
      stopSequences: stopList(body.stop_sequences, 'stop_sequences'),
      temperature: body.temperature,
    };
  },
  whole(model, r) {
    return {
      id: `msg_bdrk_local${Date.now().toString(36)}`,
      type: 'message',
      role: 'assistant',
      model: model.model.modelId.replace(/^anthropic\./, '').replace(/-v\d+:\d+$/, ''),
      content: [{ type: 'text', text: r.text }],
      stop_reason: STOP[r.stopReason],
      stop_sequence: r.stopSequence,
      usage: { input_tokens: r.inputTokens, output_tokens: r.outputTokens },
    };
  },
  chunks(model, r, latencyMs) {
    return {
      head: [
        {
          type: 'message_start',
          message: {
            id: 'msg_bdrk_local',
            type: 'message',
            role: 'assistant',
            model: model.model.modelId,
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: { input_tokens: r.inputTokens, output_tokens: 1 },
          },
        },
        { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      ],
      token: (t) => ({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: t } }),
      tail: () => [
        { type: 'content_block_stop', index: 0 },
        {
          type: 'message_delta',
          delta: { stop_reason: STOP[r.stopReason], stop_sequence: r.stopSequence },
          usage: { output_tokens: r.outputTokens },
        },
        { type: 'message_stop', ...invocationMetrics(r, latencyMs) },
      ],
    };
  },
};
