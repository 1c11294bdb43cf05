import Sentiment from 'sentiment';
import { describe, expect, it } from 'vitest';
import { scoreText } from '../../../lambdas/core/score.ts';

// Expected scores are worked out by hand from VADER's lexicon scaled by 1.25 onto AFINN's scale
// (love 3.2 → 4, good 1.9 → 2.375, great 3.1 → 3.875, perfect 2.7 → 3.375, bad −2.5 → −3.125,
// terrible −2.1 → −2.625, please 1.3 → 1.625, no −1.2 → −1.5, pls 0.3 → 0.375, "can't stand" −2 → −2.5),
// AFINN-165 where VADER has no entry (favourite +2), the campaign lexicon (cancelled and
// cancellation −3, bring back +2, renew/renewed/revival +2, petition 0) and the rules in score.ts.

describe('scoreText', () => {
  describe('basics', () => {
    it('calls a sentence with a positive word positive', () => {
      expect(scoreText('I love this show')).toEqual({ score: 4, comparative: 1, label: 'positive' });
    });

    it('calls a sentence with a negative word negative', () => {
      expect(scoreText('This episode was terrible')).toMatchObject({ score: -2.625, label: 'negative' });
    });

    it('calls a sentence without opinion words neutral', () => {
      expect(scoreText('The finale airs on Thursday')).toEqual({ score: 0, comparative: 0, label: 'neutral' });
    });

    it('gives an empty or blank text a neutral zero', () => {
      expect(scoreText('')).toEqual({ score: 0, comparative: 0, label: 'neutral' });
      expect(scoreText('   \n ')).toEqual({ score: 0, comparative: 0, label: 'neutral' });
    });

    it('reports comparative as score per token, not counting links and mentions', () => {
      expect(scoreText('good day').comparative).toBe(1.1875);
      expect(scoreText('@someone good day https://example.com/x').comparative).toBe(1.1875);
    });

    it('calls a faint positive (0.5 or less) neutral', () => {
      expect(scoreText('pls')).toMatchObject({ score: 0.375, label: 'neutral' });
      expect(scoreText('pls pls')).toMatchObject({ score: 0.75, label: 'positive' });
    });

    it('calls a text with one mildly negative word negative', () => {
      expect(scoreText('sorry').label).toBe('negative');
    });
  });

  describe('campaign lexicon', () => {
    it('hears a cancellation as bad news even beside praise', () => {
      // cancelled −3 + favourite +2
      expect(scoreText('they cancelled my favourite show')).toMatchObject({ score: -1, label: 'negative' });
    });

    it('takes asking to bring a show back as support', () => {
      expect(scoreText('please bring back Bosch')).toMatchObject({ score: 3.625, label: 'positive' });
      expect(scoreText('renew it').label).toBe('positive');
    });

    it('matches "bring back" as a phrase, not as its separate words', () => {
      expect(scoreText('bring the car back').score).toBe(0);
    });

    it('does not read a petition as negative', () => {
      expect(scoreText('sign the petition').label).toBe('neutral');
    });

    it('does not count "fans" as an opinion', () => {
      expect(scoreText('fans of the show gathered downtown').label).toBe('neutral');
    });

    it('takes a plea not to cancel as support', () => {
      // please +1.625, cancel −3 negated: +2.22
      expect(scoreText("please don't cancel Bosch")).toMatchObject({ score: 3.845, label: 'positive' });
    });

    it('hears a cancellation as negative, on its own and in a headline', () => {
      expect(scoreText('cancellation')).toMatchObject({ score: -3, label: 'negative' });
      expect(scoreText('The show got a cancellation notice').label).toBe('negative');
    });

    it('hears "no … revival" as bad news', () => {
      // "no" reaches "revival" three words on: 2 × −0.74
      expect(scoreText('Netflix confirms no Warrior Nun revival')).toMatchObject({ score: -1.48, label: 'negative' });
    });

    it('reads "Oh great" and "Just perfect" around bad news as sarcasm', () => {
      // cancellation −3; the markers' own +3.875 and +3.375 count against the text: −3 − 7.25
      expect(scoreText('Oh great, another cancellation. Just perfect.')).toMatchObject({ score: -10.25, label: 'negative' });
      // Around good news they are praise: 3.875 + 2
      expect(scoreText('Oh great, they renewed it')).toMatchObject({ score: 5.875, label: 'positive' });
    });

    it('does not read excitement without an opinion word as negative', () => {
      expect(scoreText('Who is staying up!!!')).toMatchObject({ score: 0, label: 'neutral' });
    });

    it('reads campaign hashtags, camel-case or not', () => {
      expect(scoreText('#SaveBoschLegacy').label).toBe('positive');
      expect(scoreText('#savebosch').label).toBe('positive');
      expect(scoreText('#BoschLegacy').label).toBe('neutral');
    });
  });

  describe('negation', () => {
    it('flips a negated positive word', () => {
      expect(scoreText('not good at all').label).toBe('negative');
      expect(scoreText('this is not a good show').label).toBe('negative');
    });

    it('reaches a few words past the negator', () => {
      // good, four words after "don't": 2.375 × −0.74 = −1.7575 (rounded half up to −1.757)
      expect(scoreText("I don't think this is good")).toMatchObject({ score: -1.757, label: 'negative' });
    });

    it('stops at the end of the clause', () => {
      // Without the comma, "good" would be the fourth word after "not" and flipped.
      expect(scoreText('it is not over, this is good')).toMatchObject({ score: 2.375, label: 'positive' });
    });

    it('stops at a line break, as between a title and its text', () => {
      // renewed +2 negated (−1.48), then great +3.875 outside the negation
      expect(scoreText('Not renewed\nGreat news about the spin-off')).toMatchObject({ score: 2.395, label: 'positive' });
    });

    it('keeps a fixed expression that starts with a negator whole', () => {
      // "can't stand" is −2.5 as a phrase; "stand" alone scores nothing
      expect(scoreText("I can't stand this finale")).toMatchObject({ score: -2.5, label: 'negative' });
    });

    it('lets "no" keep its own valence when no opinion word follows, and never negate another "no"', () => {
      expect(scoreText('No.')).toMatchObject({ score: -1.5, label: 'negative' });
      expect(scoreText('No and no.')).toMatchObject({ score: -3, label: 'negative' });
    });

    it('negates after "least" (VADER\'s rule), but not in "at least"', () => {
      // funny 1.9 → 2.375, × −0.74 = −1.7575 (rounded half up to −1.757)
      expect(scoreText('the least funny episode')).toMatchObject({ score: -1.757, label: 'negative' });
      expect(scoreText('at least it was funny')).toMatchObject({ score: 2.375, label: 'positive' });
    });

    it('does not negate laughter: it is the writer\'s reaction, like an emoticon', () => {
      // lol 1.8 → 2.25 is within reach of "not" but keeps its value
      expect(scoreText("I'm not the latter lol")).toMatchObject({ score: 2.25, label: 'positive' });
      // a booster before laughter does not carry over to the next word: lol 2.25 + good 2.375
      expect(scoreText('so lol good')).toMatchObject({ score: 4.625, label: 'positive' });
    });

    it('reads "can\'t wait" as eagerness, not as a negated "wait"', () => {
      // +2 from the campaign lexicon; "good" after it is not negated: 2 + 2.375
      expect(scoreText("can't wait, good")).toMatchObject({ score: 4.375, label: 'positive' });
      expect(scoreText("I can’t wait for season 2")).toMatchObject({ score: 2, label: 'positive' });
    });

    it('makes "not bad" mildly positive, weaker than "good"', () => {
      const notBad = scoreText('not bad').score;
      expect(notBad).toBeGreaterThan(0);
      expect(notBad).toBeLessThan(scoreText('good').score);
    });
  });

  describe('"but" clauses', () => {
    it('lets the clause after "but" decide', () => {
      expect(scoreText('the plot was slow but the ending was great').label).toBe('positive');
      // before "but" ×0.5, after it ×1.5: −3.125 × 0.5 + 3.875 × 1.5 = 4.25; the other way round −2.75
      expect(scoreText('the acting was bad but the ending was great')).toMatchObject({ score: 4.25, label: 'positive' });
      expect(scoreText('the ending was great but the acting was bad')).toMatchObject({ score: -2.75, label: 'negative' });
    });
  });

  describe('questions', () => {
    it('counts a clause that ends in "?" a quarter: asking is not saying', () => {
      // good 2.375 × 0.25 = 0.59375 (rounded half up to 0.594)
      expect(scoreText('Is the finale good?')).toMatchObject({ score: 0.594, label: 'positive' });
      expect(scoreText('Is the finale good? It is good.')).toMatchObject({ score: 2.969, label: 'positive' });
    });

    it('keeps the sign of a question: a complaint asked is still a complaint', () => {
      // cancel −3 (campaign lexicon) × 0.25
      expect(scoreText('Why did they cancel it?')).toMatchObject({ score: -0.75, label: 'negative' });
    });

    it('only weighs the clause that asks', () => {
      // bad −3.125 in a statement, good 2.375 × 0.25 in the question after the comma
      expect(scoreText('The finale was bad, was the rest good?')).toMatchObject({ score: -2.531, label: 'negative' });
    });
  });

  describe('emphasis', () => {
    it('raises the magnitude after an intensifier and lowers it after a diminisher', () => {
      expect(scoreText('very good').score).toBeGreaterThan(scoreText('good').score);
      expect(scoreText('extremely bad').score).toBeLessThan(scoreText('bad').score);
      const slightlyBad = scoreText('slightly bad').score;
      expect(slightlyBad).toBeLessThan(0);
      expect(slightlyBad).toBeGreaterThan(scoreText('bad').score);
    });

    it('pushes a score further from zero with exclamation marks, but gives none to a text without opinion', () => {
      expect(scoreText('good!').score).toBeGreaterThan(scoreText('good').score);
      expect(scoreText('bad!!').score).toBeLessThan(scoreText('bad').score);
      expect(scoreText('Thursday!!!').score).toBe(0);
    });

    it('reads "pretty" and "real" before an opinion word as degree adverbs', () => {
      // annoying −1.7 → −2.125 × (1 + 0.3); as a word of its own "pretty" (+2.75) would cancel it out
      expect(scoreText('The ads are pretty annoying').score).toBeCloseTo(-2.7625, 2);
      expect(scoreText('The ads are pretty annoying').label).toBe('negative');
      expect(scoreText('real good').score).toBeGreaterThan(scoreText('good').score);
    });

    it('knows all of VADER\'s boosters and dampeners', () => {
      // good 2.375 × (1 + 0.3) = 3.0875 (rounded half up) and × (1 − 0.3) = 1.6625 (which floating point rounds either way)
      expect(scoreText('quite good').score).toBe(3.088);
      expect(scoreText('greatly helpful').score).toBeGreaterThan(scoreText('helpful').score);
      expect(scoreText('occasionally good').score).toBeCloseTo(1.6625, 2);
    });

    it('reads VADER\'s idioms as their meaning, not their words', () => {
      // "bad ass" 1.5 → 1.875: praise, where bad −3.125 + ass −3.125 would be an insult
      expect(scoreText('his mohawk was bad ass')).toMatchObject({ score: 1.875, label: 'positive' });
      expect(scoreText('that move was the kiss of death')).toMatchObject({ score: -1.875, label: 'negative' });
    });

    it('reads stretched words as the word', () => {
      expect(scoreText('goooood').score).toBe(scoreText('good').score);
    });
  });

  describe('emoji and emoticons', () => {
    it('scores emoji, also when glued to a word or followed by a variation selector', () => {
      expect(scoreText('😍').label).toBe('positive');
      expect(scoreText('😡').label).toBe('negative');
      expect(scoreText('finale tonight😍').label).toBe('positive');
      expect(scoreText('I \u2764\uFE0F it').label).toBe('positive');
    });

    it('scores text emoticons, and does not take a time for one', () => {
      expect(scoreText('new season :)').label).toBe('positive');
      expect(scoreText('no news yet :(').label).toBe('negative');
      expect(scoreText('Bosch <3').label).toBe('positive');
      expect(scoreText('meet at 9:30').score).toBe(0);
      // VADER's rated faces beyond the classic ones, but not the start of a word
      expect(scoreText('lost my pen :l').label).toBe('negative');
      expect(scoreText('o_O').label).toBe('negative');
      expect(scoreText('o_Oscar').score).toBe(0);
    });
  });

  describe('HTML entities', () => {
    it('decodes entities before reading the text', () => {
      expect(scoreText('&lt;3 this show').label).toBe('positive');
      // "&amp;" is an ampersand, not a word "amp": two tokens, 4.75 / 2.
      expect(scoreText('good &amp; good').comparative).toBe(2.375);
    });

    it('decodes every HTML entity closed by ";", and none without it: the text is no HTML', () => {
      // ♥ is in the emoji ranking (+3)
      expect(scoreText('I &hearts; this show')).toEqual(scoreText('I \u2665 this show'));
      expect(scoreText('I &#x2665; this show')).toEqual(scoreText('I \u2665 this show'));
      // HTML would read "&not" as "¬" and lose the negation
      expect(scoreText('it is &not good').label).toBe('negative');
    });

    it('leaves names of Object.prototype as written: they are no entities', () => {
      const names = Object.getOwnPropertyNames(Object.prototype).filter((name) => /^[a-z]+$/i.test(name));
      expect(names).toContain('constructor');
      for (const name of names) expect(scoreText(`great &${name}; show`)).toEqual(scoreText(`great ${name}; show`));
    });
  });

  describe('negators that do not deny', () => {
    it('reads "not just" and "not only" as more, not as a denial', () => {
      // good 2.375 counts in full; a plain "not" still negates
      expect(scoreText('The show is not just good')).toMatchObject({ score: 2.375, label: 'positive' });
      expect(scoreText('It was not only funny').label).toBe('positive');
      expect(scoreText('It was not good').label).toBe('negative');
    });

    it('reads "never … so/this" as a comparison with every other time (VADER\'s never-so rule)', () => {
      // well 1.1 → 1.375, × (1 + 0.3) for "so": not negated
      expect(scoreText('I have never slept so well').score).toBeCloseTo(1.7875, 2);
      expect(scoreText('I have never slept so well').label).toBe('positive');
      // sore −1.5 → −1.875, in full
      expect(scoreText("Haven't been this sore in a while.")).toMatchObject({ score: -1.875, label: 'negative' });
      // "not so" and "never good" still deny
      expect(scoreText('It is not so easy').label).toBe('negative');
      expect(scoreText('It was never good').label).toBe('negative');
    });

    it('reads "can\'t say enough", "can\'t stop" and "can\'t help" as the opposite of a denial', () => {
      expect(scoreText("I can't say enough good things about this show")).toMatchObject({ score: 2.375, label: 'positive' });
      // smiling 2.0 → 2.5
      expect(scoreText("I can't stop smiling")).toMatchObject({ score: 2.5, label: 'positive' });
      expect(scoreText("I can't help loving this show").label).toBe('positive');
    });
  });

  describe('contrast', () => {
    it('turns the sentence at "however" as at "but"', () => {
      // great 3.875 × 0.5 + bad −3.125 × 1.5: the complaint after "however" is the point
      expect(scoreText('The screen is great; however, the battery is bad.')).toMatchObject({ score: -2.75, label: 'negative' });
    });

    it('does not turn it at "but also", "nothing but" or "all but"', () => {
      // bad −3.125 + great 3.875, both in full (a contrastive "but" gives −1.5625 + 5.8125 = 4.25)
      expect(scoreText('bad but also great').score).toBe(0.75);
      expect(scoreText('bad but great').score).toBe(4.25);
      // nice 1.8 → 2.25 in full, not halved before the "but" of "nothing but"
      expect(scoreText('nice, nothing but fun').score).toBe(scoreText('nice').score + scoreText('fun').score);
    });
  });

  describe('discourse markers', () => {
    it('does not read a reply or a pause at the start of a clause as an opinion', () => {
      expect(scoreText('Yeah, the finale airs tonight.')).toMatchObject({ score: 0, label: 'neutral' });
      expect(scoreText('Ok, see you at eight')).toMatchObject({ score: 0, label: 'neutral' });
      expect(scoreText('Well, the finale airs tonight')).toMatchObject({ score: 0, label: 'neutral' });
      expect(scoreText('I watched the pilot as well')).toMatchObject({ score: 0, label: 'neutral' });
    });

    it('keeps them where they are opinions: exclaimed, before a participle, inside a clause', () => {
      expect(scoreText('Yes! Season two!').label).toBe('positive');
      expect(scoreText('Well acted and well written').label).toBe('positive');
      expect(scoreText('The finale went well')).toMatchObject({ score: 1.375, label: 'positive' });
    });
  });

  describe('"like" that compares', () => {
    it('does not read the preposition "like" as liking', () => {
      expect(scoreText('It looks like rain tonight')).toMatchObject({ score: 0, label: 'neutral' });
      expect(scoreText('Just like the pilot, the finale airs at nine')).toMatchObject({ score: 0, label: 'neutral' });
      expect(scoreText('Like the first season, it was filmed in Vancouver')).toMatchObject({ score: 0, label: 'neutral' });
    });

    it('still reads the verb as liking', () => {
      expect(scoreText('I like the new season').label).toBe('positive');
      expect(scoreText('We would like a fourth season').label).toBe('positive');
    });
  });

  describe('wishes', () => {
    it('does not read longing for what is not as praise', () => {
      expect(scoreText('I wish I was at the premiere')).toMatchObject({ score: 0, label: 'neutral' });
      // wish it were … : nothing praises; "bad" would still count
      expect(scoreText('wish it were on Netflix').label).toBe('neutral');
    });

    it('keeps a warm or exclaimed wish warm', () => {
      expect(scoreText('wish I could be there!').label).toBe('positive');
      expect(scoreText('I wish you a happy birthday').label).toBe('positive');
    });
  });

  describe('punctuation', () => {
    it('reads "?!" as an exclamation, not a question', () => {
      // cancelled −3 in full, and one "!" −1; "Who cancelled this?" asks: −3 × 0.25
      expect(scoreText('Who cancelled this?!').score).toBe(-4);
      expect(scoreText('Who cancelled this?').score).toBe(-0.75);
    });

    it('does not weigh an emoticon down inside a question: it is the writer\'s mood', () => {
      // :( −1.9 → −2.375, in full
      expect(scoreText('Is it over already :( ?')).toMatchObject({ score: -2.375, label: 'negative' });
    });
  });

  it('leaves the sentiment package’s own word list untouched', () => {
    scoreText('renew it, bring back Bosch');
    expect(new Sentiment().analyze('renew').score).toBe(0);
  });
});
