
    // Do not modify this file by hand!
    // Re-generate this file by running lit-localize

    
    import {str} from '@lit/localize';

    /* eslint-disable no-irregular-whitespace */
    /* eslint-disable @typescript-eslint/no-explicit-any */

    export const templates = {
      's032cfe631475a38d': `本次活动已结束。`,
's061cc20e3432dead': `暂停`,
's25c1b5ab36f989fa': `1条新留言`,
's3d1396b47ff4a56f': `实时`,
's4f1a60caae210aef': `您似乎已离线，或无法连接到活动服务器。`,
's586875ea5998e7b7': str`出了点问题（${0}）。`,
's767ebce9ace4cbdd': `还没有留言。`,
's89118d3a7be870ca': `继续`,
's92fcd2389f1ddd2e': `尝试次数过多，请稍候再试。`,
's9514148154a7ba95': `找不到此内容。`,
'sad65264d44677cf0': `出了点问题。`,
'sb2c57b2d347203dd': `显示更多`,
'sbcfe27d26a8a49b4': `活动服务器响应时间过长。`,
'sc221faca1ecb4aee': `匿名`,
'sc999fade9ee65d44': `正在重新连接…`,
'scde3342a428aaee8': `已离线`,
'sf69417a452963b10': str`${0}条新留言`,
'sfff5b72be686f1ba': `活动服务器繁忙，请稍后再试。`,
'sd549c99d9786137f': `Enter your message.`,
's36addd7f8e889cd2': str`Tell us a little more: at least ${0} characters.`,
's11a406a7e3fee845': str`Your message is too long: at most ${0} characters.`,
's0629e9678ae63a89': `Enter your name, or choose to publish anonymously.`,
's572a0491670e509b': `Enter an email address like name@example.com.`,
's360785e2fc26bed1': `Agree to the terms to send your words.`,
'sa34f4bb7f744b65a': `The terms have changed. Please read them again and agree.`,
's1c5985e41a0c2213': `This photo can't be read here. Choose a JPEG, PNG or WebP photo.`,
's3e34746cc772e0dc': `This photo is too large. Choose a smaller one.`,
'sf38e542ee6c9ca1f': `Check this answer: it cannot be sent as it is.`,
'sb040ecf6e3b59905': str`Too many attempts. Please try again ${0}.`,
'sb05eac6313ad4f91': `Error:`,
's92ce9714d5ee5178': `Thank you! The newsroom will review your words before they appear.`,
'see81ea90bbbc46c6': `This campaign is closed. Thank you for taking part.`,
's8d8fa20d10130530': `Saved on this device. We could not reach the newsroom and will keep trying.`,
's3716d9ac69132c8c': `Send another`,
's4960aeb72d818ab7': `There is a problem`,
'sb9c5d02abbd6806b': `Your words`,
's7b56c46099430394': str`What does the spirit of the city mean to you? ${0} to ${1} characters.`,
'sa1fcdce157fdc7e4': str`${0} characters left`,
'sa9d1dd5d6142477d': `Your name`,
's8dc89a61f96da72b': `Published with your words.`,
's84f74473ff4381a0': `Publish anonymously instead`,
's689cc1b96ae4765a': `District (optional)`,
'sc0097247572547c0': `Not chosen`,
's9ea0ddcc6ac1be52': `Email (optional)`,
's55892594359945f6': `Private: for the newsroom only, never published.`,
's60dd6adc81a88e8e': `Photo (optional)`,
's0c140e064460a96e': `JPEG, PNG or WebP. Made smaller, and its location data removed, on your device.`,
'sad1e84f554c3a446': `Your photo`,
'sf0d65a0cc28085d1': `Remove photo`,
'scb08f4f712c9a05d': `The newsroom keeps what you send and may publish your words. Your email is never published.`,
'sef4999e4b768721f': `Privacy policy`,
'sca40919177499f3d': `I agree to these terms`,
'sbe78da52b2f48dc1': `Publish my words, with my name unless I stay anonymous`,
's6ead281adf0d371d': `Sending…`,
's57adf424d57c8a0f': `Send`,
's70c96f2bfd09e63e': `Try again now`,
    };
  