// Google News search feed, GET /rss/search?q=&hl=&gl=&ceid=: an RSS 2.0
// channel (https://www.rssboard.org/rss-specification) whose items carry a
// title ("Headline - Source"), a news.google.com link, pubDate, an HTML
// description and a <source url=...> element (RSS 2.0 "<source>").

export const RSS = {
  channel: 'channel',
  item: 'item',
  title: 'title',
  link: 'link',
  pubDate: 'pubdate',
  source: 'source',
  guid: 'guid',
} as const;
