
    // Do not modify this file by hand!
    // Re-generate this file by running lit-localize

    
    import {str} from '@lit/localize';

    /* eslint-disable no-irregular-whitespace */
    /* eslint-disable @typescript-eslint/no-explicit-any */

    export const templates = {
      's032cfe631475a38d': `本次活动已结束。`,
's4f1a60caae210aef': `您似乎已离线，或无法连接到活动服务器。`,
's586875ea5998e7b7': str`出了点问题（${0}）。`,
's92fcd2389f1ddd2e': `尝试次数过多，请稍候再试。`,
's9514148154a7ba95': `找不到此内容。`,
'sad65264d44677cf0': `出了点问题。`,
'sbcfe27d26a8a49b4': `活动服务器响应时间过长。`,
'sfff5b72be686f1ba': `活动服务器繁忙，请稍后再试。`,
    };
  