import { ConflictException, Controller, Get, HttpCode, NotFoundException, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScopes } from '@crm/platform';
import { ModelRefitService } from './model-refit.service';
import type { ModelFitDocument } from './model-storage';

@ApiTags('models')
@Controller('v1/models')
export class ModelsHttpController {
  constructor(private readonly refits: ModelRefitService) {}

  @Get('current')
  @RequireScopes('analytics:read')
  @ApiOperation({
    summary: 'The latest fit: BG/NBD (r, α, a, b) and Gamma-Gamma (p, q, γ as v) parameters, log-likelihoods, and customers by repeat purchases against what the model expects',
  })
  @ApiNotFoundResponse({ description: 'No fit yet (no customer has completed an order, or the first refit has not run)' })
  async current(): Promise<ModelFitDocument> {
    const fit = await this.refits.latest();
    if (!fit) throw new NotFoundException('no model has been fitted yet');
    return fit;
  }

  @Post('refit')
  @HttpCode(201)
  @RequireScopes('analytics:refit')
  @ApiOperation({ summary: 'Refit the models now and rescore every customer (joins a refit already under way)' })
  @ApiConflictResponse({ description: 'Nothing to fit: no customer has completed an order' })
  async refit(): Promise<ModelFitDocument> {
    const fit = await this.refits.refit();
    if (!fit) throw new ConflictException('nothing to fit: no customer has completed an order yet');
    return fit;
  }
}
