// GitLab REST API, GET /api/v4/projects?search=&per_page=&page=&order_by=
// (https://docs.gitlab.com/api/projects/#list-all-projects): a list of
// project objects (the public ones, for an anonymous caller).

export interface GitLabProject {
  id: number;
  description: string | null;
  name: string;
  name_with_namespace: string;
  path_with_namespace: string;
  web_url: string;
  star_count?: number;
  forks_count?: number;
  last_activity_at?: string;
  topics?: string[];
  archived?: boolean;
}

export type GitLabProjects = GitLabProject[];
